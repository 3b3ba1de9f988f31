import { useParams } from 'react-router';
import { PublicityPage } from './publicity-page';
import './publicity.css';

/** The 公示 page reached inside the app (a link followed without a full load). */
export default function PublicityRoute() {
  return <PublicityPage roundId={Number(useParams().roundId)} />;
}
