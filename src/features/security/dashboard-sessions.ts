/**
 * Dashboard sessions: a random id per login, kept in memory only. "Log out" revokes the one
 * it belongs to and a restart revokes them all, which a cookie derived from the token could
 * not do (it stayed valid as long as the token did, on every browser that ever had it).
 */
import { secretId } from '../../engine/ids.js';

/** Sessions kept at most; logging in once more forgets the oldest. */
const MAX_SESSIONS = 1000;

export class DashboardSessions {
  private readonly ids = new Set<string>();

  create(): string {
    const id = secretId();
    this.ids.add(id);
    if (this.ids.size > MAX_SESSIONS) this.ids.delete(this.ids.values().next().value as string);
    return id;
  }

  isValid(id: string | null): boolean {
    return id !== null && this.ids.has(id);
  }

  revoke(id: string | null): void {
    if (id !== null) this.ids.delete(id);
  }
}
