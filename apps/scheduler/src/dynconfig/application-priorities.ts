import type { Logger } from '@d7y/logger';
import type { Priority } from '../resource/download.js';
import type { DynconfigApplication } from './dynconfig-data.js';

/** Longest URL rule compiled; longer ones are skipped (they come from the manager's users). */
const MAX_REGEX_LENGTH = 1024;

interface Compiled {
  priority: Priority;
  urls: { re: RegExp; priority: Priority }[];
}

/**
 * Upstream's application priorities: a download that names no priority (LEVEL0) takes its
 * application's, the first matching URL rule winning over the application's own value.
 */
export class ApplicationPriorities {
  private byName = new Map<string, Compiled>();
  private readonly log: Logger;

  constructor(deps: { logger: Logger }) {
    this.log = deps.logger.child({ component: 'application-priorities' });
  }

  set(apps: readonly DynconfigApplication[]): void {
    const next = new Map<string, Compiled>();
    for (const a of apps) {
      const urls: Compiled['urls'] = [];
      for (const u of a.urls) {
        if (u.regex.length > MAX_REGEX_LENGTH) {
          this.log.warn({ application: a.name, length: u.regex.length }, 'URL priority rule too long; skipped');
          continue;
        }
        try {
          urls.push({ re: new RegExp(u.regex), priority: u.priority as Priority });
        } catch (err) {
          this.log.warn({ application: a.name, err: (err as Error).message }, 'URL priority rule is not a valid regular expression; skipped');
        }
      }
      next.set(a.name, { priority: a.priority as Priority, urls });
    }
    this.byName = next;
  }

  /** The priority a download runs with: its own unless LEVEL0, else its application's. */
  priorityOf(download: { priority: Priority; application?: string | undefined; url: string }): Priority {
    if (download.priority !== 0 || download.application === undefined) return download.priority;
    const app = this.byName.get(download.application);
    if (app === undefined) return 0;
    for (const u of app.urls) if (u.re.test(download.url)) return u.priority;
    return app.priority;
  }
}
