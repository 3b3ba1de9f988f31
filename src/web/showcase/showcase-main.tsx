/** The light entry of the public column (/showcase/…): React only — no UI library, no session, no app i18n. */
import { mountLightPage } from '../lib/light-page';
import { ShowcaseApp } from './showcase-app';
import './showcase.css';

mountLightPage((language, onLanguage) => <ShowcaseApp initialLanguage={language} onLanguage={onLanguage} />);
