import type { PasswordHasher } from '../auth/password-hasher.js';
import { isRoot } from '../auth/principal.js';
import type { Principal } from '../auth/principal.js';
import type { SignInThrottle } from '../auth/sign-in-throttle.js';
import type { IssuedToken, TokenService } from '../auth/token-service.js';
import type { PageRequest, PageResult } from '../db/page.js';
import { ManagerError, conflict, forbidden, notFound, unauthorized, validationError } from '../errors.js';
import type { NewUser, RoleName, User, UserPatch, UserRepository } from './user-repository.js';

export interface CreateUserInput {
  name: string;
  password: string;
  email?: string;
  bio?: string;
  avatar?: string;
  phone?: string;
  location?: string;
  roles?: RoleName[];
}

export class UserService {
  private readonly users: UserRepository;
  private readonly hasher: PasswordHasher;
  private readonly tokens: TokenService;
  private readonly throttle: SignInThrottle;

  constructor(deps: { users: UserRepository; hasher: PasswordHasher; tokens: TokenService; throttle: SignInThrottle }) {
    this.users = deps.users;
    this.hasher = deps.hasher;
    this.tokens = deps.tokens;
    this.throttle = deps.throttle;
  }

  /**
   * Checks the password and answers a token. An unknown name costs one password hash like a wrong
   * password does, and both answer the same 401.
   */
  async signIn(name: string, password: string, ip: string): Promise<IssuedToken> {
    this.throttle.check(name, ip);
    const creds = await this.users.credentialsByName(name);
    const ok = creds === undefined ? await this.hasher.verifyNothing(password) : await this.hasher.verify(password, creds.encryptedPassword);
    if (!ok || creds === undefined || creds.user.state !== 'enable') {
      this.throttle.recordFailure(name, ip);
      throw unauthorized('invalid user name or password');
    }
    this.throttle.recordSuccess(name);
    return this.tokens.issue(creds.user.id, creds.tokenVersion);
  }

  refresh(token: string): Promise<IssuedToken> {
    return this.tokens.refresh(token);
  }

  signOut(principal: Principal): Promise<void> {
    return this.tokens.revoke(principal);
  }

  list(page: PageRequest, filter: { name?: string; state?: string }): Promise<PageResult<User>> {
    return this.users.list(page, filter);
  }

  async get(id: number): Promise<User> {
    const user = await this.users.get(id);
    if (user === undefined) throw notFound('user', id);
    return user;
  }

  async create(input: CreateUserInput): Promise<User> {
    const existing = await this.users.credentialsByName(input.name);
    if (existing !== undefined) throw conflict(`user ${input.name} already exists`);
    const newUser: NewUser = {
      name: input.name,
      email: input.email ?? '',
      encryptedPassword: await this.hasher.hash(input.password),
      roles: input.roles ?? ['guest'],
      ...(input.bio === undefined ? {} : { bio: input.bio }),
      ...(input.avatar === undefined ? {} : { avatar: input.avatar }),
      ...(input.phone === undefined ? {} : { phone: input.phone }),
      ...(input.location === undefined ? {} : { location: input.location }),
    };
    return this.users.create(newUser);
  }

  /** Users edit their own profile; only root changes someone else's or anyone's state. */
  async update(caller: Principal, id: number, patch: UserPatch): Promise<User> {
    const self = caller.user.id === id;
    if (!self && !isRoot(caller)) throw forbidden('only root may change other users');
    if (patch.state !== undefined && !isRoot(caller)) throw forbidden('only root may enable or disable users');
    if (patch.state === 'disable' && self) throw validationError('a user cannot disable itself');
    await this.get(id);
    const user = await this.users.update(id, patch);
    if (user === undefined) throw notFound('user', id);
    return user;
  }

  /**
   * Changes a password and revokes every earlier token of that user. Changing one's own password
   * needs the old one; root may reset another user's password without it (that user must change it
   * at next sign-in).
   */
  async resetPassword(caller: Principal, id: number, input: { old_password?: string; new_password: string }): Promise<void> {
    const self = caller.user.id === id;
    if (!self && !isRoot(caller)) throw forbidden('only root may reset other users’ passwords');
    const creds = await this.users.credentialsById(id);
    if (creds === undefined) throw notFound('user', id);
    if (self) {
      if (input.old_password === undefined) throw validationError('old_password is required to change your own password');
      if (!(await this.hasher.verify(input.old_password, creds.encryptedPassword))) throw unauthorized('old password is wrong');
      if (input.old_password === input.new_password) throw validationError('the new password must differ from the old one');
    }
    await this.users.setPassword(id, await this.hasher.hash(input.new_password), !self);
  }

  async addRole(id: number, role: RoleName): Promise<void> {
    await this.get(id);
    await this.users.addRole(id, role);
  }

  async removeRole(caller: Principal, id: number, role: RoleName): Promise<void> {
    const user = await this.get(id);
    if (role === 'root' && user.roles.includes('root') && (await this.users.countWithRole('root')) <= 1) {
      throw new ManagerError('DF_ERR_MANAGER_IN_USE', 'cannot remove the root role from the last root user');
    }
    if (role === 'root' && caller.user.id === id) throw validationError('a user cannot remove its own root role');
    await this.users.removeRole(id, role);
  }
}
