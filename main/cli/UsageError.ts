/**
 * A command line the CLI cannot act on: its one sentence is printed with a pointer to the
 * command's `--help`, exit code 2, and nothing is changed.
 */
export class UsageError extends Error {}
