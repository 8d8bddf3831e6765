import { useEffect } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigationType } from 'react-router';
import { ToastProvider } from './components/Toast.tsx';

/**
 * BrowserRouter keeps the scroll position across pages; a new page should start at the top,
 * except when it targets a clause (the reader scrolls to it) or the user went back.
 */
function useScrollReset() {
  const { pathname, hash } = useLocation();
  const navigation = useNavigationType();
  useEffect(() => {
    if (navigation !== 'POP' && !hash) window.scrollTo(0, 0);
    // only a change of page counts, not of the query or the hash
  }, [pathname]);
}

export function Layout() {
  useScrollReset();
  return (
    <ToastProvider>
      <a className="skip-link" href="#main">
        跳到正文
      </a>
      <header className="site-header">
        <div className="site-header-inner">
          <Link to="/" className="brand">
            <span className="brand-seal" aria-hidden="true">
              政
            </span>
            政策条款知识库
          </Link>
          <nav aria-label="主导航" className="site-nav">
            <NavLink to="/" end>
              检索
            </NavLink>
            <NavLink to="/docs">文件列表</NavLink>
          </nav>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
      <footer className="site-footer">
        <p>条款内容整理自公开发布的政策文件，以发文机关正式文本为准。</p>
      </footer>
    </ToastProvider>
  );
}
