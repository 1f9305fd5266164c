/** Bad arguments to a `tandem` command (exit code 2): one line per problem, then the command's usage. */
export class UsageError extends Error {
  readonly problems: string[];

  constructor(command: string, problems: string[], usage: string) {
    super(`tandem ${command}:\n  ${problems.join('\n  ')}\n\n${usage}`);
    this.name = 'UsageError';
    this.problems = problems;
  }
}
