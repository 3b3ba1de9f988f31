/** The light entry of the public contribution pages (/contribute/…): React only — no UI library, no session, no app i18n. */
import { mountLightPage } from '../lib/light-page';
import { ContributeApp } from './contribute-app';
import './contribute.css';

mountLightPage((language, onLanguage) => <ContributeApp initialLanguage={language} onLanguage={onLanguage} />);
