/**
 * A failure of the simulator as a client (bad flags, an unreadable city, a platform that
 * refuses provisioning): `civis simulate` prints the message and exits with status 2 (usage)
 * or 1. The platform's own errors stay ProblemDetails.
 */
export class SimulatorError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'SimulatorError';
  }
}
