import { createHash, randomBytes } from 'node:crypto';

const refreshShape = /^fgr_[A-Za-z0-9_-]{43}$/;

/** An opaque refresh token: `fgr_` + 32 random bytes, base64url. */
export const newRefreshToken = () => `fgr_${randomBytes(32).toString('base64url')}`;

/** Refresh tokens are stored only as this hash. */
export const hashRefreshToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export const looksLikeRefreshToken = (token: string) => refreshShape.test(token);
