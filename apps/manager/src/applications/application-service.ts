import type { PageRequest, PageResult } from '../db/page.js';
import { notFound, validationError } from '../errors.js';
import type { Application, ApplicationPriority, ApplicationRepository, NewApplication } from './application-repository.js';

export class ApplicationService {
  private readonly applications: ApplicationRepository;

  constructor(deps: { applications: ApplicationRepository }) {
    this.applications = deps.applications;
  }

  list(page: PageRequest, filter: { name?: string }): Promise<PageResult<Application>> {
    return this.applications.list(page, filter);
  }

  async get(id: number): Promise<Application> {
    const app = await this.applications.get(id);
    if (app === undefined) throw notFound('application', id);
    return app;
  }

  create(input: NewApplication): Promise<Application> {
    checkPriority(input.priority);
    return this.applications.create(input);
  }

  async update(id: number, patch: Partial<Omit<NewApplication, 'user_id'>>): Promise<Application> {
    await this.get(id);
    if (patch.priority !== undefined) checkPriority(patch.priority);
    const updated = await this.applications.update(id, patch);
    if (updated === undefined) throw notFound('application', id);
    return updated;
  }

  async delete(id: number): Promise<void> {
    await this.get(id);
    await this.applications.delete(id);
  }
}

function checkPriority(priority: ApplicationPriority): void {
  for (const rule of priority.urls ?? []) {
    try {
      new RegExp(rule.regex);
    } catch {
      throw validationError(`priority.urls: ${JSON.stringify(rule.regex)} is not a valid regular expression`);
    }
  }
}
