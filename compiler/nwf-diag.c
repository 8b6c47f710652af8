/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "nwf-diag.h"

#include <stdarg.h>
#include <string.h>

#include "util.h"

void
nwf_diag_init(struct nwf_diag *diag)
{
    ds_init(&diag->text);
    diag->n_errors = 0;
}

void
nwf_diag_destroy(struct nwf_diag *diag)
{
    ds_destroy(&diag->text);
}

void
nwf_diag_clear(struct nwf_diag *diag)
{
    ds_clear(&diag->text);
    ds_cstr(&diag->text);       /* Keeps the string terminated. */
    diag->n_errors = 0;
}

/* Appends one error message located at 'loc' (which may be NULL). */
void
nwf_diag_error(struct nwf_diag *diag, const struct nwf_diag_loc *loc,
               const char *format, ...)
{
    struct ds *s = &diag->text;
    va_list args;

    if (s->length) {
        ds_put_char(s, '\n');
    }
    if (loc && loc->file) {
        ds_put_format(s, "%s:", loc->file);
        if (loc->line > 0) {
            ds_put_format(s, "%d:", loc->line);
        }
        ds_put_char(s, ' ');
    }
    if (loc && loc->element) {
        ds_put_format(s, "<%s> ", loc->element);
    }
    if (loc && loc->attr) {
        ds_put_format(s, "attribute '%s' ", loc->attr);
    }
    if (loc && loc->value) {
        ds_put_format(s, "value '%s'", loc->value);
    }
    if (loc && (loc->element || loc->attr || loc->value)) {
        ds_chomp(s, ' ');
        ds_put_cstr(s, ": ");
    }

    va_start(args, format);
    ds_put_format_valist(s, format, args);
    va_end(args);

    diag->n_errors++;
}

const char *
nwf_diag_text(const struct nwf_diag *diag)
{
    return diag->text.string ? diag->text.string : "";
}

char *
nwf_diag_first(const struct nwf_diag *diag)
{
    const char *text = nwf_diag_text(diag);
    return xmemdup0(text, strcspn(text, "\n"));
}

char *
nwf_diag_first_or(const struct nwf_diag *diag, const char *fallback)
{
    return (nwf_diag_has_errors(diag) ? nwf_diag_first(diag)
            : xstrdup(fallback));
}
