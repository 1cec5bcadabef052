/**
 * A CLI command's answer that is not JSON (a PEM, the offline verifier's summary line): runCli prints it as is
 * and exits with its code, so a failed verification is a non-zero exit a script can test.
 */
export class CliText {
  constructor(
    readonly text: string,
    readonly code = 0,
  ) {}
}
