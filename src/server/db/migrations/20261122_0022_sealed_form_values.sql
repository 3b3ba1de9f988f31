-- Contacts and addresses typed into collection forms are sealed inside the values JSON (issue 9,
-- decision 022): a contact's phones, fax and e-mail and every address field hold AES-256-GCM
-- envelopes (enc:v1:…) written by the application, which alone knows which fields of a form are
-- personal and holds the key. `values_sealed_with` names the field key the row's values were last
-- written under; null marks rows written before this migration (or by tools writing SQL directly),
-- still in clear text: the application seals them at its next start and `huiju rotate-field-key`
-- re-seals every row whose key is not the current one.
alter table submissions add column values_sealed_with text;
alter table submission_revisions add column values_sealed_with text;

-- The start-up step looks for rows still in clear text: cheap when there are none.
create index submissions_values_unsealed_idx on submissions (id) where values_sealed_with is null;
create index submission_revisions_values_unsealed_idx on submission_revisions (id) where values_sealed_with is null;
