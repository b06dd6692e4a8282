// Original file: ../../protos/common.proto


export interface Build {
  'git_version'?: (string);
  'git_commit'?: (string);
  'go_version'?: (string);
  'rust_version'?: (string);
  'platform'?: (string);
  '_git_commit'?: "git_commit";
  '_go_version'?: "go_version";
  '_rust_version'?: "rust_version";
  '_platform'?: "platform";
}

export interface Build__Output {
  'git_version': (string);
  'git_commit'?: (string);
  'go_version'?: (string);
  'rust_version'?: (string);
  'platform'?: (string);
  '_git_commit'?: "git_commit";
  '_go_version'?: "go_version";
  '_rust_version'?: "rust_version";
  '_platform'?: "platform";
}
