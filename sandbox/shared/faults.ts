/**
 * Faults a test injects into a simulator (5xx, timeouts, 429 storms, expired or revoked tokens) to
 * see the connectors' retry, back-off and re-authorization paths work against a real HTTP server.
 * The injector only decides which request a fault hits; each simulator answers it in its provider's
 * own shape.
 */
import type { Fault } from './contract.ts';

interface ActiveFault {
  fault: Fault;
  /** Requests it still hits; Infinity until cleared. */
  left: number;
}

export class FaultInjector {
  private active: ActiveFault[] = [];

  /** Adds a fault; faults are tried in the order they were injected. */
  inject(fault: Fault): void {
    if (fault.count !== undefined && (!Number.isInteger(fault.count) || fault.count < 1)) {
      throw new RangeError(`fault count must be a positive integer, got ${fault.count}`);
    }
    this.active.push({ fault: { ...fault }, left: fault.count ?? Infinity });
  }

  clear(): void {
    this.active = [];
  }

  /** The faults still in force (for the control API and tests). */
  list(): Fault[] {
    return this.active.map((a) => ({ ...a.fault, ...(Number.isFinite(a.left) ? { count: a.left } : {}) }));
  }

  /** The fault that hits a request to `path`, consuming one of its count; null when none. */
  take(path: string): Fault | null {
    if (this.active.length === 0) return null;
    for (let i = 0; i < this.active.length; i++) {
      const a = this.active[i]!;
      if (a.fault.pathPrefix !== undefined && !path.startsWith(a.fault.pathPrefix)) continue;
      a.left--;
      if (a.left <= 0) this.active.splice(i, 1);
      return a.fault;
    }
    return null;
  }
}
