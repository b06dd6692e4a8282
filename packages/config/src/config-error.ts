/** One problem in a config file. `path` is the dotted key path (`download.bandwidthLimit`, `seeds[0].ip`), '' for the whole file. */
export interface ConfigIssue {
  path: string;
  expected?: string;
  received?: string;
  message: string;
  /** 1-based position in the file, when known (YAML syntax errors). */
  line?: number;
  column?: number;
}

/**
 * A config file that cannot be used. `message` names the file and, for each issue, the key path,
 * what was expected and what was found — it is meant to be printed to an operator as is.
 */
export class ConfigError extends Error {
  readonly file: string;
  readonly issues: readonly ConfigIssue[];

  constructor(file: string, issues: readonly ConfigIssue[]) {
    super(formatConfigIssues(file, issues));
    this.name = 'ConfigError';
    this.file = file;
    this.issues = Object.freeze(issues.map((i) => Object.freeze({ ...i })));
  }
}

export function formatConfigIssues(file: string, issues: readonly ConfigIssue[]): string {
  const lines = issues.map((issue) => {
    const where = issue.line !== undefined ? `${file}:${issue.line}${issue.column !== undefined ? `:${issue.column}` : ''}` : undefined;
    const key = issue.path === '' ? '(top level)' : issue.path;
    const head = where !== undefined ? `${where}: ${issue.path === '' ? '' : `${key}: `}` : `${key}: `;
    return `  - ${head}${issue.message}`;
  });
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  return `invalid configuration file ${file} (${count}):\n${lines.join('\n')}`;
}
