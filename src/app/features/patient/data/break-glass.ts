import { BREAK_GLASS_HEADER } from '../../../../../clinical/access/break-glass';

/**
 * Break-glass (docs/architecture.md, "Roles and access"): a reason in `X-Break-Glass-Reason` widens reads to a
 * patient outside one's care team; the server refuses a reason under 10 characters and records every such request
 * as a high-priority AuditEvent (the rule: clinical/access/break-glass.ts). The SPA sends it on that patient's
 * requests only.
 */
export function breakGlassHeaders(reason: string | undefined | null): Record<string, string> {
  return reason ? { [BREAK_GLASS_HEADER]: reason } : {};
}
