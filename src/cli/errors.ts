// Error classes with a stable `name` and `code`, so callers (and tests) never match on messages.

/** Bad command line: unknown flag, bad value, missing path. Exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'ERR_SC_AUTH_BRIDGE_USAGE';
  readonly exitCode = 2;
}

/** migrate refused to touch files with uncommitted changes. Exit code 1. */
export class DirtyTreeError extends Error {
  override readonly name = 'DirtyTreeError';
  readonly code = 'ERR_SC_AUTH_BRIDGE_DIRTY_TREE';
  readonly exitCode = 1;
  constructor(readonly files: string[]) {
    super(
      `refusing to migrate: ${files.length} file(s) it would change have uncommitted changes ` +
        `(commit or stash them, or pass --force): ${files.join(', ')}`,
    );
  }
}

/** migrate could not learn which files have uncommitted changes. Exit code 1. */
export class GitStatusError extends Error {
  override readonly name = 'GitStatusError';
  readonly code = 'ERR_SC_AUTH_BRIDGE_GIT_STATUS';
  readonly exitCode = 1;
  constructor(readonly root: string) {
    super(`refusing to migrate: 'git status' failed in ${root}, so uncommitted changes cannot be ruled out (fix the repository, or pass --force)`);
  }
}

/** The baseline file exists but is not one we wrote. Exit code 2. */
export class BaselineError extends Error {
  override readonly name = 'BaselineError';
  readonly code = 'ERR_SC_AUTH_BRIDGE_BASELINE';
  readonly exitCode = 2;
}
