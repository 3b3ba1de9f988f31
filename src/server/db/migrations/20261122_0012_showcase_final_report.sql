-- The final report (活动总结) a unit adds to its published activity once it has taken place; public
-- with the rest of the publication after moderation. Limited in 字数 by the application (≤ 1,000).
alter table showcase_publications add column final_report text
  check (final_report is null or length(final_report) between 1 and 5000);
