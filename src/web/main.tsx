/**
 * The entry: the public 公示 page (/publicity/:id) starts light, without the signed-in app, its
 * UI library or its styles; so does the public column (/showcase/…); every other address starts the app.
 */
const path = window.location.pathname;
const start = /^\/publicity\/\d+\/?$/.test(path)
  ? import('./publicity/publicity-main')
  : /^\/showcase(\/|$)/.test(path)
    ? import('./showcase/showcase-main')
    : import('./app-main');

start.catch((error: unknown) => {
  // A script that cannot be loaded (offline, or replaced by a new release): say so instead of a blank page.
  console.error(error);
  const root = document.getElementById('root');
  if (root) root.textContent = '页面加载失败，请刷新重试。The page failed to load; please reload.';
});
