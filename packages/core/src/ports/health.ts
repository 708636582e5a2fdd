export interface ComponentHealth {
  ok: boolean;
  latencyMs?: number;
  detail?: string;
}

/** One component the readiness probe reports on. A required component that is down makes the service unready. */
export interface HealthCheck {
  name: string;
  required: boolean;
  check(): Promise<ComponentHealth>;
}
