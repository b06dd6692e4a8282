import { ApiClient } from './api-client.js';
import { ApiError, messageOf } from './api-error.js';
import { icon } from './components/icon.js';
import type { IconName } from './components/icon.js';
import { notice, toastArea } from './components/notice.js';
import { button, loading } from './components/page-header.js';
import { h, replace } from './dom.js';
import type { Page, PageContext } from './page-context.js';
import { applicationsPage } from './pages/applications-page.js';
import { clusterDetailPage } from './pages/cluster-detail-page.js';
import { clustersPage } from './pages/clusters-page.js';
import { jobDetailPage } from './pages/job-detail-page.js';
import { jobsPage } from './pages/jobs-page.js';
import { overviewPage } from './pages/overview-page.js';
import { passwordChangePage } from './pages/password-change-page.js';
import { schedulersPage } from './pages/schedulers-page.js';
import { seedPeersPage } from './pages/seed-peers-page.js';
import { signInPage } from './pages/sign-in-page.js';
import { tokensPage } from './pages/tokens-page.js';
import { usersPage } from './pages/users-page.js';
import { href, parseRoute } from './router.js';
import type { Route } from './router.js';
import { Session } from './session.js';
import type { SessionEnd } from './session.js';

interface NavItem {
  page: string;
  label: string;
  icon: IconName;
  rootOnly?: boolean;
}

const NAV: readonly NavItem[] = [
  { page: 'overview', label: 'Overview', icon: 'overview' },
  { page: 'clusters', label: 'Clusters', icon: 'clusters' },
  { page: 'schedulers', label: 'Schedulers', icon: 'schedulers' },
  { page: 'seed-peers', label: 'Seed peers', icon: 'seeds' },
  { page: 'applications', label: 'Applications', icon: 'applications' },
  { page: 'jobs', label: 'Jobs', icon: 'jobs' },
  { page: 'tokens', label: 'Access tokens', icon: 'tokens' },
  { page: 'users', label: 'Users', icon: 'users', rootOnly: true },
];

const ENDED: Record<SessionEnd, string> = {
  'signed-out': 'You signed out.',
  expired: 'Your session ended. Sign in again to continue.',
  revoked: 'Your session was ended on the server. Sign in again.',
};

function pageFor(route: Route): Page {
  switch (route.page) {
    case 'clusters':
      return route.params.length > 0 ? clusterDetailPage : clustersPage;
    case 'schedulers':
      return schedulersPage;
    case 'seed-peers':
      return seedPeersPage;
    case 'applications':
      return applicationsPage;
    case 'jobs':
      return route.params.length > 0 && /^\d+$/.test(route.params[0] ?? '') ? jobDetailPage : jobsPage;
    case 'tokens':
      return tokensPage;
    case 'users':
      return usersPage;
    default:
      return overviewPage;
  }
}

/** The whole console: sign-in, forced password change, and the signed-in shell with its pages. */
export class ConsoleApp {
  private readonly root: HTMLElement;
  private readonly realm: string;
  private readonly api: ApiClient;
  private readonly session: Session;
  private readonly toasts = toastArea();
  private pageAbort: AbortController | undefined;
  private main: HTMLElement | undefined;
  private nav: HTMLElement | undefined;

  constructor(deps: { root: HTMLElement; realm: string }) {
    this.root = deps.root;
    this.realm = deps.realm;
    this.api = new ApiClient({
      onUnauthorized: () => this.session.refresh().catch(() => false),
      onPasswordChangeRequired: () => this.showPasswordChange(),
    });
    this.session = new Session({ api: this.api, onEnded: (why) => this.showSignIn(ENDED[why]) });
    document.body.appendChild(this.toasts.el);
    window.addEventListener('hashchange', () => this.renderPage());
  }

  async start(): Promise<void> {
    replace(this.root, h('div', { class: 'boot' }, loading()));
    try {
      if (await this.session.resume()) this.afterSignIn();
      else this.showSignIn();
    } catch (err) {
      this.showSignIn(messageOf(err));
    }
  }

  private afterSignIn(): void {
    if (this.session.user?.must_change_password) this.showPasswordChange();
    else this.showShell();
  }

  private showSignIn(message?: string): void {
    this.pageAbort?.abort();
    this.main = undefined;
    document.title = `Sign in · ${this.realm}`;
    replace(this.root, signInPage({ realm: this.realm, session: this.session, ...(message === undefined ? {} : { message }), onSignedIn: () => this.afterSignIn() }));
  }

  private showPasswordChange(): void {
    this.pageAbort?.abort();
    this.main = undefined;
    document.title = `Change password · ${this.realm}`;
    replace(this.root, passwordChangePage({ api: this.api, session: this.session, onDone: () => this.afterSignIn(), onSignOut: () => void this.signOut() }));
  }

  private async signOut(): Promise<void> {
    try {
      await this.session.signOut();
    } catch (err) {
      // The local session is gone either way; say if the server could not be told.
      this.toasts.toast('error', `Sign-out could not reach the manager: ${messageOf(err)}`);
    }
  }

  private showShell(): void {
    const user = this.session.user;
    const isRoot = this.session.isRoot;
    this.nav = h(
      'nav',
      { class: 'nav', 'aria-label': 'Main' },
      NAV.filter((n) => !n.rootOnly || isRoot).map((n) => h('a', { href: href(n.page), 'data-page': n.page }, icon(n.icon), h('span', null, n.label))),
    );
    const menu = h('button', { type: 'button', class: 'btn-icon menu-toggle', 'aria-label': 'Menu', 'aria-expanded': 'false' }, icon('menu'));
    const sidebar = h(
      'aside',
      { class: 'sidebar' },
      h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }), h('span', { class: 'brand-name' }, 'Dragonfly'), menu),
      this.nav,
      h('div', { class: 'sidebar-foot' }, this.realm),
    );
    menu.addEventListener('click', () => {
      const open = sidebar.classList.toggle('open');
      menu.setAttribute('aria-expanded', String(open));
    });
    this.nav.addEventListener('click', () => sidebar.classList.remove('open'));
    const topbar = h(
      'header',
      { class: 'topbar' },
      h('div', { class: 'topbar-realm' }, this.realm),
      h(
        'div',
        { class: 'user' },
        h('span', { class: 'avatar', 'aria-hidden': 'true' }, (user?.name ?? '?').slice(0, 1).toUpperCase()),
        h('span', { class: 'user-name' }, user?.name ?? ''),
        h('span', { class: isRoot ? 'tag tag-accent' : 'tag' }, isRoot ? 'root' : 'guest'),
        h('button', { type: 'button', class: 'btn btn-small btn-ghost', on: { click: () => void this.signOut() } }, icon('signout'), h('span', null, 'Sign out')),
      ),
    );
    this.main = h('main', { class: 'content', id: 'content', tabindex: '-1' });
    replace(this.root, h('div', { class: 'shell' }, sidebar, h('div', { class: 'body' }, topbar, this.main)));
    this.renderPage();
  }

  private renderPage(): void {
    const main = this.main;
    if (main === undefined || this.session.user === undefined) return;
    this.pageAbort?.abort();
    const abort = new AbortController();
    this.pageAbort = abort;
    const route = parseRoute(location.hash);
    for (const a of this.nav?.querySelectorAll('a') ?? []) {
      const active = a.getAttribute('data-page') === route.page || (route.page === 'overview' && a.getAttribute('data-page') === 'overview');
      a.classList.toggle('active', active);
      if (active) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    const label = NAV.find((n) => n.page === route.page)?.label ?? 'Overview';
    document.title = `${label} · ${this.realm}`;
    replace(main, loading());
    const ctx: PageContext = {
      api: this.api,
      session: this.session,
      main,
      params: route.params,
      query: route.query,
      signal: abort.signal,
      toast: this.toasts.toast,
      reload: () => this.renderPage(),
      now: Date.now,
    };
    pageFor(route)(ctx).catch((err: unknown) => {
      if (abort.signal.aborted) return;
      if (err instanceof ApiError && err.status === 401) return; // the session handler already shows sign-in
      replace(main, h('div', { class: 'page-error' }, notice('error', messageOf(err)), button('Try again', () => this.renderPage())));
    });
  }
}
