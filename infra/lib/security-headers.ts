/**
 * The security headers every response of the site carries, defined once. CloudFront's
 * response-headers policy (infra/frontend.ts) is built from these values, and a local dev
 * server can import this file (it has no Pulumi dependency) to serve the same headers, so
 * the page is tested under the CSP it gets in production.
 *
 * The CSP matches site/: scripts and styles from the site only (no inline code), images
 * from the site or data: URLs, fetch/XHR to the same origin (the API is `/api/*` on the
 * same distribution), no framing, no <base> or form posts elsewhere.
 */

export const CONTENT_SECURITY_POLICY = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
].join("; ");

/** Two years, with subdomains, eligible for the browsers' preload lists. */
export const HSTS_MAX_AGE_SECONDS = 63072000;
export const STRICT_TRANSPORT_SECURITY = `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains; preload`;

export const FRAME_OPTIONS = "DENY" as const;
export const REFERRER_POLICY = "strict-origin-when-cross-origin" as const;

/** Header name -> value, as a dev server sets them on every response. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
    "Strict-Transport-Security": STRICT_TRANSPORT_SECURITY,
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": FRAME_OPTIONS,
    "Referrer-Policy": REFERRER_POLICY,
});
