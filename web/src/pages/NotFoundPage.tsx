import { Link } from 'react-router';
import { usePageTitle } from '../usePageTitle.ts';

export function NotFoundPage() {
  usePageTitle('页面不存在');
  return (
    <div className="page narrow state">
      <h1>页面不存在</h1>
      <p>
        这个地址没有对应的页面。<Link to="/">回到检索</Link>或查看<Link to="/docs">文件列表</Link>。
      </p>
    </div>
  );
}
