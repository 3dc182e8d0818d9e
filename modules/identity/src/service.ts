import { type Bus, type CallContext, type Database, type Logger, type SecretBox } from '@flowgate/kernel';
import { ApiKeys } from './api-keys/api-keys.js';
import type { IdentityConfig } from './config.js';
import type { IdentityApi } from './contract.js';
import { changePublisher } from './events.js';
import { PasswordHasher } from './passwords/password-hasher.js';
import type { IdentityResources } from './resources.js';
import { AccessTokens } from './tokens/access-tokens.js';
import { Sessions } from './tokens/sessions.js';
import { SigningKeys } from './tokens/signing-keys.js';
import { Accounts } from './users/accounts.js';

export interface IdentityServiceOptions {
  db: Database;
  /** Encrypts the access-token signing key at rest. */
  secrets: SecretBox;
  /** Where user and API-key changes are announced, so caches elsewhere drop stale entries. */
  bus?: Bus;
  logger: Logger;
  config: IdentityConfig;
  clock?: () => Date;
}

type Input<K extends keyof IdentityApi> = Parameters<IdentityApi[K]>[0];

/** The local implementation of identity: users, sessions, access-token keys and API keys. */
export class IdentityService implements IdentityApi {
  private readonly accounts: Accounts;
  private readonly sessions: Sessions;
  private readonly keys: ApiKeys;
  private readonly signingKeys: SigningKeys;

  constructor(options: IdentityServiceOptions) {
    const clock = options.clock ?? (() => new Date());
    const resources: IdentityResources = {
      db: options.db,
      config: options.config,
      clock,
      hasher: new PasswordHasher(options.config.passwordHashCost),
      publish: changePublisher(options.bus, options.logger),
      logger: options.logger,
    };
    this.signingKeys = new SigningKeys(options.db, options.secrets, clock, options.config.accessTokenTtlSeconds);
    this.accounts = new Accounts(resources);
    this.sessions = new Sessions(resources, new AccessTokens(this.signingKeys, clock, options.config.accessTokenTtlSeconds));
    this.keys = new ApiKeys(resources);
  }

  register = async (input: Input<'register'>) => {
    const user = await this.accounts.register(input);
    return { ...user, user };
  };
  login = (input: Input<'login'>) => this.sessions.login(input);
  refresh = (input: Input<'refresh'>) => this.sessions.refresh(input);
  logout = async (input: Input<'logout'>) => {
    await this.sessions.logout(input);
    return null;
  };

  me = (_input: Input<'me'>, ctx: CallContext) => this.accounts.me(ctx);

  getJwks = () => this.signingKeys.publicKeys();

  listUsers = (input: Input<'listUsers'>) => this.accounts.list(input);
  createUser = (input: Input<'createUser'>) => this.accounts.create(input);
  getUser = (input: Input<'getUser'>) => this.accounts.get(input.id);
  updateUser = (input: Input<'updateUser'>, ctx: CallContext) => this.accounts.update(input, ctx);
  deleteUser = async (input: Input<'deleteUser'>, ctx: CallContext) => {
    await this.accounts.delete(input, ctx);
    return null;
  };

  createApiKey = (input: Input<'createApiKey'>, ctx: CallContext) => this.keys.create(input, ctx);
  listApiKeys = (input: Input<'listApiKeys'>, ctx: CallContext) => this.keys.list(input, ctx);
  rotateApiKey = (input: Input<'rotateApiKey'>, ctx: CallContext) => this.keys.rotate(input, ctx);
  revokeApiKey = async (input: Input<'revokeApiKey'>, ctx: CallContext) => {
    await this.keys.revoke(input, ctx);
    return null;
  };

  verifyApiKey = (input: Input<'verifyApiKey'>) => this.keys.verify(input);
  getUserState = (input: Input<'getUserState'>) => this.accounts.state(input.id);
  recordApiKeyUsage = async (input: Input<'recordApiKeyUsage'>) => {
    await this.keys.recordUsage(input);
    return null;
  };

  /**
   * Starts signing with a new key; the old one stays in the JWKS while tokens it signed can be
   * alive. Not part of the HTTP contract: an operator's tool.
   */
  rotateSigningKey = () => this.signingKeys.rotate();
}
