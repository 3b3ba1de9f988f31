/**
 * The entry: the public 公示 page (/publicity/:id) starts light, without the signed-in app, its
 * UI library or its styles; so do the gallery (/gallery/:id), the public column (/showcase/…) and
 * the public survey (/survey/:token), the public contribution pages (/contribute/…) and the
 * demands desk for 科技工作者 (/demands/…); every other address starts the app.
 */
function entryFor(path: string): Promise<unknown> {
  if (/^\/publicity\/\d+\/?$/.test(path)) return import('./publicity/publicity-main');
  if (/^\/gallery\/\d+\/?$/.test(path)) return import('./publicity/gallery-main');
  if (/^\/showcase(\/|$)/.test(path)) return import('./showcase/showcase-main');
  if (/^\/survey\/[A-Za-z0-9_-]+\/?$/.test(path)) return import('./survey/survey-main');
  if (/^\/contribute\/\d+(\/works)?\/?$/.test(path)) return import('./contribute/contribute-main');
  if (/^\/demands(\/|$)/.test(path)) return import('./demands/demands-main');
  return import('./app-main');
}

const start = entryFor(window.location.pathname);

start.catch((error: unknown) => {
  // A script that cannot be loaded (offline, or replaced by a new release): say so instead of a blank page.
  console.error(error);
  const root = document.getElementById('root');
  if (root) root.textContent = '页面加载失败，请刷新重试。The page failed to load; please reload.';
});
