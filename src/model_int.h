/* model_int: what the files of the model share (internal to them):
 * model_names.c indexes a definition's names, model_origin.c says where an
 * object came from and which calls do I/O, model.c the limiters, timeouts
 * and deadlines on a definition's paths. */
#ifndef FANOUT_MODEL_INT_H
#define FANOUT_MODEL_INT_H

#include "model.h"

/* The class a function is a method of (through nested functions), or -1. */
int32_t model__class_of(const Facts *f, int32_t def);
/* Whether `name` is a parameter of `def` or of a function around it. */
bool model__is_param(const Facts *f, int32_t def, const char *name);
/* Free the per-definition name maps model_next_* made. */
void model__names_free(Model *m);
/* model_origin's memo: room for n defs' answers; freed with the model. */
struct OriginSeens *model__origins_new(size_t n);
void model__origins_free(Model *m);

#endif
