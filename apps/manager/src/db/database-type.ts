/** The engines the manager's one query layer runs on (MariaDB speaks the MySQL dialect). */
export type DatabaseType = 'sqlite' | 'postgres' | 'mysql';
