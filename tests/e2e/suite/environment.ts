/** The origin of a browser console the suite's platforms allow (CORS). */
export const consoleOrigin = 'http://console.example';

/**
 * What the suite needs of a platform, set the same in every topology: a code node may spin long
 * enough to be cancelled, an idle stream gets pings often, failed logins lock out quickly, and a
 * browser console on another origin may call the API.
 */
export const suiteEnv: Record<string, string> = {
  FLOWGATE_CODE_TIME_LIMIT_MS: '20000',
  FLOWGATE_SSE_PING_MS: '200',
  FLOWGATE_LOGIN_MAX_FAILURES: '3',
  FLOWGATE_CORS_ORIGINS: consoleOrigin,
};
