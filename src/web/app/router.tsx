import { lazy } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { SignInPage } from '../pages/sign-in-page';
import { NotFoundPage, RouteErrorPage } from '../components/status-pages';
import { RequireSession } from './require-session';

// Everything behind the sign-in page is loaded on demand, page by page.
const ActivatePage = lazy(() => import('../pages/activate-page'));
const UnitsPage = lazy(() => import('../pages/units/units-page'));
const UsersPage = lazy(() => import('../pages/users/users-page'));
const AuditPage = lazy(() => import('../pages/audit-page'));
const ProfilePage = lazy(() => import('../pages/profile-page'));

export function createAppRouter() {
  return createBrowserRouter([
    { path: '/signin', element: <SignInPage />, errorElement: <RouteErrorPage /> },
    { path: '/activate', element: <ActivatePage />, errorElement: <RouteErrorPage /> },
    {
      path: '/',
      element: <RequireSession />,
      errorElement: <RouteErrorPage />,
      children: [
        { index: true, element: <Navigate to="/units" replace /> },
        { path: 'units', element: <UnitsPage /> },
        { path: 'users', element: <UsersPage /> },
        { path: 'audit', element: <AuditPage /> },
        { path: 'profile', element: <ProfilePage /> },
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ]);
}
