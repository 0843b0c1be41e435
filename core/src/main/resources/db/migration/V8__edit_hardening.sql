-- Edit hardening, mirroring V4a, HunkMatch and TextEdits (a property test compares the two write paths):
--  * an insert into a file with CRLF line breaks turns the text's LF line breaks into CRLF;
--  * finding a hunk is bounded: at each level the candidates are the lines equal to the pattern's first line, and a
--    search whose candidates times pattern lines is over 2,000,000 is refused before it is made;
--  * a hunk without an anchor (and not at the end of the file) that matches in several places is refused, naming them.

CREATE OR REPLACE FUNCTION gapless_insert(p_content text, p_after integer, p_text text, p_filename text, p_at text)
    RETURNS text LANGUAGE plpgsql IMMUTABLE AS
$$
DECLARE
    v_breaks integer := gapless_breaks(p_content);
    v_lines  integer := v_breaks + CASE WHEN p_content = '' OR right(p_content, 1) = E'\n' THEN 0 ELSE 1 END;
    v_eol    text := CASE WHEN strpos(p_content, E'\r\n') > 0 THEN E'\r\n' ELSE E'\n' END;
    v_offset integer := 0;
    v_before text;
    v_after  text;
    v_text   text := p_text;
BEGIN
    IF p_after > v_lines THEN
        PERFORM gapless_edit_rejected('LINE_OUT_OF_RANGE', format('cannot insert into ''%s'': line %s is past the'
            || ' end of the file, which has %s %s in %s; the line to insert after must be 0 to %s', p_filename,
            p_after, v_lines, CASE WHEN v_lines = 1 THEN 'line' ELSE 'lines' END, p_at, v_lines));
    END IF;
    IF v_eol = E'\r\n' THEN
        v_text := replace(replace(v_text, E'\r\n', E'\n'), E'\n', E'\r\n');
    END IF;
    IF p_after > v_breaks THEN
        v_offset := length(p_content);
    ELSIF p_after > 0 THEN
        v_offset := length(array_to_string((string_to_array(p_content, E'\n'))[1:p_after], E'\n')) + 1;
    END IF;
    v_before := left(p_content, v_offset);
    v_after := substr(p_content, v_offset + 1);
    IF v_before <> '' AND right(v_before, 1) <> E'\n' THEN
        v_text := v_eol || v_text;
    END IF;
    IF v_after <> '' AND right(v_text, 1) <> E'\n' THEN
        v_text := v_text || v_eol;
    END IF;
    RETURN v_before || v_text || v_after;
END
$$;

-- The 0-based positions at or after p_from where p_pattern matches p_lines (at the end only with p_at_end), at the
-- first level where it matches: all of them with p_all, else the first. o_starts is NULL when the search is refused
-- as too costly; o_candidates is the number of lines equal to the pattern's first line at the level searched last.
CREATE FUNCTION gapless_matches(p_lines text[], p_pattern text[], p_from integer, p_at_end boolean, p_all boolean,
                                OUT o_starts integer[], OUT o_candidates integer)
    LANGUAGE plpgsql IMMUTABLE AS
$$
DECLARE
    v_m     integer := cardinality(p_pattern);
    v_last  integer := cardinality(p_lines) - cardinality(p_pattern);
    v_first integer;
    v_lines text[];
    v_pat   text[];
    v_at    integer[];
    v_i     integer;
BEGIN
    o_starts := ARRAY []::integer[];
    o_candidates := 0;
    IF v_last < p_from THEN
        RETURN;
    END IF;
    v_first := CASE WHEN p_at_end THEN v_last ELSE p_from END;
    FOR v_level IN 0..2 LOOP
        v_lines := ARRAY(SELECT gapless_normal(x, v_level) FROM unnest(p_lines) WITH ORDINALITY AS u(x, o) ORDER BY o);
        v_pat := ARRAY(SELECT gapless_normal(x, v_level) FROM unnest(p_pattern) WITH ORDINALITY AS u(x, o) ORDER BY o);
        v_at := ARRAY(SELECT u.o - 1 FROM unnest(v_lines) WITH ORDINALITY AS u(x, o)
                       WHERE u.x = v_pat[1] AND u.o - 1 BETWEEN v_first AND v_last ORDER BY u.o);
        o_candidates := cardinality(v_at);
        IF o_candidates::bigint * v_m > 2000000 THEN
            o_starts := NULL;
            RETURN;
        END IF;
        FOREACH v_i IN ARRAY v_at LOOP
            IF v_lines[v_i + 1:v_i + v_m] = v_pat THEN
                o_starts := o_starts || v_i;
                EXIT WHEN NOT p_all;
            END IF;
        END LOOP;
        IF cardinality(o_starts) > 0 THEN
            RETURN;
        END IF;
    END LOOP;
END
$$;

-- The matches of a search, or the rejection of one too costly to make (see V4a.starts).
CREATE FUNCTION gapless_hunk_starts(p_lines text[], p_pattern text[], p_from integer, p_at_end boolean,
                                    p_all boolean, p_hunk text, p_at text)
    RETURNS integer[] LANGUAGE plpgsql IMMUTABLE AS
$$
DECLARE
    v_r record;
BEGIN
    SELECT * INTO v_r FROM gapless_matches(p_lines, p_pattern, p_from, p_at_end, p_all);
    IF v_r.o_starts IS NULL THEN
        PERFORM gapless_edit_rejected('PATCH_DOES_NOT_APPLY', format('%s is too costly to match in %s: the line'
            || ' ''%s'' it starts with occurs %s times below line %s, and each place needs up to %s line comparisons,'
            || ' over the limit of 2000000; start the hunk at a more distinctive line, or add an ''@@'' line naming'
            || ' one above the change', p_hunk, p_at, gapless_shorten(p_pattern[1]), v_r.o_candidates, p_from,
            cardinality(p_pattern)));
    END IF;
    RETURN v_r.o_starts;
END
$$;

CREATE OR REPLACE FUNCTION gapless_apply_hunks(p_content text, p_hunks jsonb, p_filename text, p_at text)
    RETURNS text LANGUAGE plpgsql IMMUTABLE AS
$$
DECLARE
    v_crlf   boolean := strpos(p_content, E'\r\n') > 0;
    v_text   text := CASE WHEN strpos(p_content, E'\r\n') > 0 THEN replace(p_content, E'\r\n', E'\n')
                          ELSE p_content END;
    v_ends   boolean;
    v_lines  text[];
    v_cursor integer := 0;
    v_k      integer := 0;
    v_hunk   jsonb;
    v_name   text;
    v_anchor text;
    v_found  integer[];
    v_body   text[];
    v_old    text[];
    v_out    text[];
    v_line   text;
    v_start  integer;
    v_at     integer;
    v_eof    boolean;
    v_free   boolean;
BEGIN
    v_ends := v_text = '' OR right(v_text, 1) = E'\n';
    v_lines := string_to_array(v_text, E'\n');
    IF v_ends AND v_text <> '' THEN
        v_lines := v_lines[1:cardinality(v_lines) - 1];
    END IF;
    FOR v_hunk IN SELECT h.value FROM jsonb_array_elements(p_hunks) WITH ORDINALITY AS h(value, o) ORDER BY h.o LOOP
        v_k := v_k + 1;
        v_name := format('cannot patch ''%s'': hunk %s (line %s of the patch)', p_filename, v_k, v_hunk ->> 'line');
        v_eof := (v_hunk ->> 'eof')::boolean;
        FOR v_anchor IN SELECT a.value FROM jsonb_array_elements_text(v_hunk -> 'anchors') WITH ORDINALITY AS a(value, o)
                         ORDER BY a.o LOOP
            v_found := gapless_hunk_starts(v_lines, ARRAY [v_anchor], v_cursor, false, false, v_name, p_at);
            IF cardinality(v_found) = 0 THEN
                PERFORM gapless_edit_rejected('PATCH_DOES_NOT_APPLY', format('%s needs the line ''%s'' below line %s,'
                    || ' and %s has none', v_name, gapless_shorten(v_anchor), v_cursor, p_at));
            END IF;
            v_cursor := v_found[1] + 1;
        END LOOP;
        v_body := ARRAY(SELECT x.value FROM jsonb_array_elements_text(v_hunk -> 'lines') WITH ORDINALITY AS x(value, o)
                         ORDER BY x.o);
        v_old := ARRAY(SELECT substr(b.value, 2) FROM unnest(v_body) WITH ORDINALITY AS b(value, o)
                        WHERE left(b.value, 1) <> '+' ORDER BY b.o);
        IF cardinality(v_old) = 0 THEN
            v_start := CASE WHEN jsonb_array_length(v_hunk -> 'anchors') > 0 AND NOT v_eof
                            THEN v_cursor ELSE cardinality(v_lines) END;
        ELSE
            v_free := jsonb_array_length(v_hunk -> 'anchors') = 0 AND NOT v_eof;
            v_found := gapless_hunk_starts(v_lines, v_old, v_cursor, v_eof, v_free, v_name, p_at);
            IF cardinality(v_found) = 0 THEN
                PERFORM gapless_edit_rejected('PATCH_DOES_NOT_APPLY', format('%s expects %s %s starting ''%s'' %s %s,'
                    || ' which has no such lines', v_name, cardinality(v_old),
                    CASE WHEN cardinality(v_old) = 1 THEN 'line' ELSE 'lines' END, gapless_shorten(v_old[1]),
                    CASE WHEN v_eof THEN 'at the end of' ELSE 'below line ' || v_cursor || ' of' END, p_at));
            END IF;
            IF cardinality(v_found) > 1 THEN
                PERFORM gapless_edit_rejected('AMBIGUOUS_MATCH', format('%s matches %s places in %s (at lines %s%s);'
                    || ' add an ''@@'' line naming a line above the change, or more context, to make it unique',
                    v_name, cardinality(v_found), p_at,
                    (SELECT string_agg((s + 1)::text, ', ' ORDER BY o) FROM unnest(v_found[1:10]) WITH ORDINALITY
                         AS f(s, o)),
                    CASE WHEN cardinality(v_found) > 10 THEN ' and ' || (cardinality(v_found) - 10) || ' more'
                         ELSE '' END));
            END IF;
            v_start := v_found[1];
        END IF;
        -- kept lines stay as the file has them (they may have matched ignoring blanks); added lines are the patch's
        v_out := ARRAY []::text[];
        v_at := v_start;
        FOREACH v_line IN ARRAY v_body LOOP
            IF left(v_line, 1) = '+' THEN
                v_out := v_out || substr(v_line, 2);
            ELSIF left(v_line, 1) = ' ' THEN
                v_at := v_at + 1;
                v_out := v_out || v_lines[v_at];
            ELSE
                v_at := v_at + 1;
            END IF;
        END LOOP;
        v_lines := v_lines[1:v_start] || v_out || v_lines[v_at + 1:cardinality(v_lines)];
        v_cursor := v_start + cardinality(v_out);
    END LOOP;
    IF cardinality(v_lines) = 0 THEN
        RETURN '';
    END IF;
    v_text := array_to_string(v_lines, E'\n') || CASE WHEN v_ends THEN E'\n' ELSE '' END;
    RETURN CASE WHEN v_crlf THEN replace(v_text, E'\n', E'\r\n') ELSE v_text END;
END
$$;

DROP FUNCTION gapless_seek(text[], text[], integer, boolean);
