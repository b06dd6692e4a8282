import { ConsoleApp } from './console-app.js';

// Entry module (loaded by index.html as /assets/main.js). The realm comes from a meta tag the
// manager fills from auth.jwt.realm.
const root = document.getElementById('app');
const realm = document.querySelector<HTMLMetaElement>('meta[name="d7y-realm"]')?.content || 'Dragonfly';
if (root !== null) void new ConsoleApp({ root, realm }).start();
