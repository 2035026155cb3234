-- The case number leaves the words a case is found by (app.Case.SearchText):
-- a word of letters typed in the search box (a name) must not match the
-- random device tag inside a number; a word with a digit is looked up in
-- the number itself (app.MatchesNumber). search_folded began with the
-- folded number (ASCII, so lower()) and a space; the FTS trigger re-indexes.
UPDATE cases SET search_folded = substr(search_folded, length(number) + 2)
WHERE number <> '' AND substr(search_folded, 1, length(number) + 1) = lower(number) || ' ';
