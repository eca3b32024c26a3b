/**
 * The CloudFront response-headers policy, locally. Its values come from the one definition the
 * program builds the policy from (infra/lib/security-headers.ts); CloudFront applies it on the
 * site's behaviour and on `/api/*`, so the dev server sets it on every answer.
 */
import { SECURITY_HEADERS } from "../../infra/lib/security-headers";

/** The CloudFront response-headers policy: set on every answer, replacing the origin's (override: true). */
export function withSecurityHeaders(headers: Record<string, string[]>): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    const policy = new Set(Object.keys(SECURITY_HEADERS).map((h) => h.toLowerCase()));
    for (const [name, values] of Object.entries(headers)) if (!policy.has(name.toLowerCase())) out[name] = values;
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) out[name] = [value];
    return out;
}
