export { createApp } from './app.ts';
export { readConfig, type ServerConfig } from './config.ts';
export { openDb, openPglite, openPostgres } from './db.ts';
export { migrate } from './migrations.ts';
export { startServer } from './server.ts';
export { createStore } from './store.ts';
