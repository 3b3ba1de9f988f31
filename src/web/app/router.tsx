import { lazy, Suspense } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { SignInPage } from '../pages/sign-in-page';
import { NotFoundPage, RouteErrorPage } from '../components/status-pages';
import { hasAnyRole, unitViewerRoles, useRequiredSession } from '../session/session';
import { RequireSession } from './require-session';

/** The first page after sign-in: the unit tree, or for the security and audit administrators (who see no units) their own page. */
function HomeRedirect() {
  const session = useRequiredSession();
  const to = hasAnyRole(session, unitViewerRoles) ? '/units' : hasAnyRole(session, ['audit_admin']) ? '/audit' : hasAnyRole(session, ['security_admin']) ? '/users' : '/profile';
  return <Navigate to={to} replace />;
}

// Everything behind the sign-in page is loaded on demand, page by page.
const ActivatePage = lazy(() => import('../pages/activate-page'));
const UnitsPage = lazy(() => import('../pages/units/units-page'));
const UsersPage = lazy(() => import('../pages/users/users-page'));
const AuditPage = lazy(() => import('../pages/audit-page'));
const ProfilePage = lazy(() => import('../pages/profile-page'));
const CampaignsPage = lazy(() => import('../pages/campaigns/campaigns-page'));
const CampaignNewPage = lazy(() => import('../pages/campaigns/campaign-new-page'));
const CampaignPage = lazy(() => import('../pages/campaigns/campaign-page'));
const AssignedPage = lazy(() => import('../pages/campaigns/assigned-page'));
const NoticesPage = lazy(() => import('../pages/notices/notices-page'));
const NoticeEditorPage = lazy(() => import('../pages/notices/notice-editor-page'));
const NoticePage = lazy(() => import('../pages/notices/notice-page'));
const CascadePage = lazy(() => import('../pages/notices/cascade-page'));
const InboxPage = lazy(() => import('../pages/notices/inbox-page'));
const FormsPage = lazy(() => import('../pages/forms/forms-page'));
const FormDesignerPage = lazy(() => import('../pages/forms/form-designer-page'));
const MyTasksPage = lazy(() => import('../pages/tasks/my-tasks-page'));
const TaskFillPage = lazy(() => import('../pages/tasks/task-fill-page'));
const CollectPage = lazy(() => import('../pages/collect/collect-page'));
const NominationsPage = lazy(() => import('../pages/nominations/nominations-page'));
const StatisticsPage = lazy(() => import('../pages/statistics/statistics-page'));
const OverviewPage = lazy(() => import('../pages/statistics/overview-page'));
const MailTemplatesPage = lazy(() => import('../pages/mail/mail-templates-page'));
const OutboxPage = lazy(() => import('../pages/mail/outbox-page'));
const EvaluationsPage = lazy(() => import('../pages/evaluations/evaluations-page'));
const EvaluationNewPage = lazy(() => import('../pages/evaluations/evaluation-new-page'));
const EvaluationPage = lazy(() => import('../pages/evaluations/evaluation-page'));
const ReviewsPage = lazy(() => import('../pages/reviews/reviews-page'));
const PublishingPage = lazy(() => import('../pages/showcase/publishing-page'));
const PublishingReviewPage = lazy(() => import('../pages/showcase/review-page'));
const SignupsPage = lazy(() => import('../pages/showcase/signups-page'));
const ArticlesPage = lazy(() => import('../pages/showcase/articles-page'));
const SurveysPage = lazy(() => import('../pages/surveys/surveys-page'));
const SurveyEditorPage = lazy(() => import('../pages/surveys/survey-editor-page'));
const SurveyPage = lazy(() => import('../pages/surveys/survey-page'));
const ContributionsPage = lazy(() => import('../pages/showcase/contributions-page'));
const ContributionReviewPage = lazy(() => import('../pages/showcase/contribution-review-page'));
const DemandsPage = lazy(() => import('../pages/demands/demands-page'));
const DemandPage = lazy(() => import('../pages/demands/demand-page'));
const DemandStatisticsPage = lazy(() => import('../pages/demands/demand-statistics-page'));
// The public 公示 page: no session, no admin shell (a full load of /publicity/… starts from main.tsx's light entry).
const PublicityRoute = lazy(() => import('../publicity/publicity-route'));

export function createAppRouter() {
  return createBrowserRouter([
    { path: '/signin', element: <SignInPage />, errorElement: <RouteErrorPage /> },
    { path: '/activate', element: <ActivatePage />, errorElement: <RouteErrorPage /> },
    {
      path: '/publicity/:roundId',
      element: (
        <Suspense fallback={null}>
          <PublicityRoute />
        </Suspense>
      ),
      errorElement: <RouteErrorPage />,
    },
    {
      path: '/',
      element: <RequireSession />,
      errorElement: <RouteErrorPage />,
      children: [
        { index: true, element: <HomeRedirect /> },
        { path: 'units', element: <UnitsPage /> },
        { path: 'users', element: <UsersPage /> },
        { path: 'audit', element: <AuditPage /> },
        { path: 'profile', element: <ProfilePage /> },
        { path: 'campaigns', element: <CampaignsPage /> },
        { path: 'campaigns/new', element: <CampaignNewPage /> },
        { path: 'campaigns/:id', element: <CampaignPage /> },
        { path: 'campaigns/:id/statistics', element: <StatisticsPage /> },
        { path: 'campaigns/:id/overview', element: <OverviewPage /> },
        { path: 'campaigns/:id/articles', element: <ArticlesPage /> },
        { path: 'surveys', element: <SurveysPage /> },
        { path: 'surveys/new', element: <SurveyEditorPage /> },
        { path: 'surveys/:id/edit', element: <SurveyEditorPage /> },
        { path: 'surveys/:id', element: <SurveyPage /> },
        { path: 'campaigns/:id/contributions', element: <ContributionsPage /> },
        { path: 'contributions', element: <ContributionReviewPage /> },
        { path: 'assigned', element: <AssignedPage /> },
        { path: 'notices', element: <NoticesPage /> },
        // One element for both: saving a new draft moves to its edit address without a remount.
        { path: 'notices/new', element: <NoticeEditorPage /> },
        { path: 'notices/:id/edit', element: <NoticeEditorPage /> },
        { path: 'notices/:id', element: <NoticePage /> },
        { path: 'notices/:id/cascade', element: <CascadePage /> },
        { path: 'inbox', element: <InboxPage /> },
        { path: 'forms', element: <FormsPage /> },
        { path: 'forms/:id', element: <FormDesignerPage /> },
        { path: 'tasks', element: <MyTasksPage /> },
        { path: 'tasks/:id', element: <TaskFillPage /> },
        { path: 'tasks/:id/nominations', element: <NominationsPage /> },
        { path: 'collect/:taskId', element: <CollectPage /> },
        { path: 'mail-templates', element: <MailTemplatesPage /> },
        { path: 'outbox', element: <OutboxPage /> },
        { path: 'evaluations', element: <EvaluationsPage /> },
        { path: 'evaluations/new', element: <EvaluationNewPage /> },
        { path: 'evaluations/:id', element: <EvaluationPage /> },
        { path: 'reviews', element: <ReviewsPage /> },
        { path: 'publishing', element: <PublishingPage /> },
        { path: 'publishing/review', element: <PublishingReviewPage /> },
        { path: 'publishing/activities/:id/signups', element: <SignupsPage /> },
        { path: 'demand-desk', element: <DemandsPage /> },
        { path: 'demand-desk/statistics', element: <DemandStatisticsPage /> },
        { path: 'demand-desk/:id', element: <DemandPage /> },
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ]);
}
