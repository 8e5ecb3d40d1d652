/* The bytecode interpreter's body, included by vm.c once per variant: it
 * defines the function VM_RUN_NAME(vm *, const cs_instr *code), which runs
 * one rule's program (its answer is returned) or a group's (findings go to
 * m->sink as each rule ends), and counts into the profile when VM_COUNTING
 * is 1. Not a header of its own: no guard,
 * on purpose. */

/* Dispatch: GCC and clang jump straight from each instruction to the next
 * through a table of label addresses (one indirect jump per instruction,
 * which the branch predictor learns per site); other compilers get a switch
 * in a loop (also with -DCS_VM_SWITCH). Either way the bodies are the same. */
#if !defined(CS_VM_SWITCH) && (defined(__GNUC__) || defined(__clang__))
#define VM_THREADED 1
#endif

static int VM_RUN_NAME(vm *m, const cs_instr *code)
{
    const cs_ruleset *rs = m->rs;
    const cs_instr *in;
    cs_vval *st = m->stack, *loc = m->locals;
    int sp = 0;
    uint32_t pc = 0;
    if (m->scratch.bytes_used)
        cs_arena_reset(&m->scratch);
#ifdef VM_THREADED
#define VM_LABEL(op, target) [op] = &&L_##op,
    static const void *const labels[OP__COUNT] = {CS_OPCODES(VM_LABEL)};
#undef VM_LABEL
#define CASE(op) L_##op:
#define NEXT                                 \
    do {                                     \
        in = &code[pc++];                    \
        if (VM_COUNTING)                        \
            m->prof_ops++;                   \
        goto *labels[in->op];                \
    } while (0)
    NEXT;
#else
#define CASE(op) case op:
#define NEXT continue
    for (;;) {
        in = &code[pc++];
        if (VM_COUNTING)
            m->prof_ops++;
        switch ((cs_opcode)in->op) {
#endif
    CASE(OP_PUSH_CONST)
        st[sp++] = rs->consts[in->a];
        NEXT;
    CASE(OP_PUSH_ABSENT)
        st[sp++] = mk_absent();
        NEXT;
    CASE(OP_PUSH_BOOL)
        st[sp++] = mk_bool(in->a);
        NEXT;
    CASE(OP_PUSH_INT)
        st[sp++] = mk_int(in->a);
        NEXT;
    CASE(OP_THIS)
        st[sp++] = m->g < 0 ? mk_absent() : mk_row(0, m->g, m->row);
        NEXT;
    CASE(OP_ROOT) {
        int rg = m->s->root_group;
        st[sp++] = m->ds[0]->rows[rg].count ? mk_row(0, rg, 0) : mk_absent();
        NEXT;
    }
    CASE(OP_LAST)
        st[sp++] = last_row(m);
        NEXT;
    CASE(OP_CONTEXT)
        st[sp++] = m->ctx[in->a];
        NEXT;
    CASE(OP_LOAD)
        st[sp++] = loc[in->a];
        NEXT;
    CASE(OP_STORE)
        loc[in->a] = st[--sp];
        NEXT;
    CASE(OP_POP)
        sp--;
        NEXT;
    CASE(OP_THIS_FIELD)
        st[sp++] = from_cell(&m->this_cells[in->a]);
        NEXT;
    CASE(OP_THIS_PRESENT)
        st[sp++] = mk_bool((m->this_cells[in->a].kind != VK_ABSENT) == in->u);
        NEXT;
    CASE(OP_LOCAL_FIELD)
        st[sp++] = field_of(m, &loc[in->a], in->b);
        NEXT;
    CASE(OP_FIELD)
        st[sp - 1] = field_of(m, &st[sp - 1], in->a);
        NEXT;
    CASE(OP_UP)
        st[sp - 1] = row_up(m, st[sp - 1], in->a);
        NEXT;
    CASE(OP_PREV)
        st[sp - 1] = row_step(m, st[sp - 1], -1);
        NEXT;
    CASE(OP_NEXT)
        st[sp - 1] = row_step(m, st[sp - 1], 1);
        NEXT;
    CASE(OP_HEADER) {
        const cs_dataset *d = m->ds[in->a];
        int hg = m->s->header_group;
        st[sp++] = d && hg >= 0 && d->rows[hg].count ? mk_row(in->a, hg, 0) : mk_absent();
        NEXT;
    }
    CASE(OP_RANGE)
        sp--;
        set_range(m, &loc[in->a], &st[sp], &rs->paths[in->b], in->u);
        NEXT;
    CASE(OP_RANGE_ALL) {
        int ds = in->u >> 1, rev = in->u & 1;
        int32_t n = m->ds[ds] ? (int32_t)m->ds[ds]->rows[in->b].count : 0;
        loc[in->a] = mk_row(ds, in->b, 0);
        loc[in->a].i = rev ? n - 1 : 0;
        loc[in->a + 1] = mk_int(rev ? 0 : n);
        NEXT;
    }
    CASE(OP_ITER) {
        cs_vval *cur = &loc[in->a];
        if (in->u ? cur->i < loc[in->a + 1].i : cur->i >= loc[in->a + 1].i) {
            pc = (uint32_t)in->b;
            NEXT;
        }
        loc[in->a + 2] = *cur;
        cur->i += in->u ? -1 : 1;
        if (VM_COUNTING)
            m->prof_rows++;
        NEXT;
    }
    CASE(OP_RANGE_SIZE)
        st[sp++] = mk_int(loc[in->a + 1].i - loc[in->a].i);
        NEXT;
    CASE(OP_INDEX) {
        cs_vval *v = &st[sp - 1];
        const cs_vval *lo = &loc[in->a], *hi = &loc[in->a + 1];
        int64_t k = v->kind == VK_INT ? v->i : 0;
        int64_t at = k > 0 ? (int64_t)lo->i + k - 1 : (int64_t)hi->i + k;
        if (k != 0 && at >= lo->i && at < hi->i) {
            *v = *lo;
            v->i = (int32_t)at;
        } else {
            *v = mk_absent();
        }
        NEXT;
    }
    CASE(OP_JMP)
        pc = (uint32_t)in->a;
        NEXT;
    CASE(OP_J)
        sp--;
        if (truthy(&st[sp]) == in->u)
            pc = (uint32_t)in->a;
        NEXT;
    CASE(OP_J_THIS_PRESENT)
        if ((m->this_cells[in->b].kind != VK_ABSENT) == in->u)
            pc = (uint32_t)in->a;
        NEXT;
    CASE(OP_J_THIS_STEP)
        if ((m->g >= 0 && row_step(m, mk_row(0, m->g, m->row), in->b).kind == VK_ROW) == in->u)
            pc = (uint32_t)in->a;
        NEXT;
    CASE(OP_J_PRESENT)
        sp--;
        if ((st[sp].kind != VK_ABSENT) == in->u)
            pc = (uint32_t)in->a;
        NEXT;
    CASE(OP_J_CMP)
        sp -= 2;
        if (compare(in->b >> 8, in->b & 0xff, &st[sp], &st[sp + 1]) == in->u)
            pc = (uint32_t)in->a;
        NEXT;
    CASE(OP_J_THIS_CMP) {
        cs_vval v = from_cell(&m->this_cells[in->b]);
        if (compare(in->cmp, in->kind, &v, &rs->consts[in->c]) == in->u)
            pc = (uint32_t)in->a;
        NEXT;
    }
    CASE(OP_J_THIS_IN) {
        const cs_value *c = &m->this_cells[in->b];
        if (in_set(rs, in->cmp, in->c, c->kind, c->i, c->s, in->kind) == in->u)
            pc = (uint32_t)in->a;
        NEXT;
    }
    CASE(OP_AND_JF)
        if (!truthy(&st[sp - 1])) {
            st[sp - 1] = mk_bool(0);
            pc = (uint32_t)in->a;
        } else {
            sp--;
        }
        NEXT;
    CASE(OP_OR_JT)
        if (truthy(&st[sp - 1])) {
            st[sp - 1] = mk_bool(1);
            pc = (uint32_t)in->a;
        } else {
            sp--;
        }
        NEXT;
    CASE(OP_TOBOOL)
        st[sp - 1] = mk_bool(truthy(&st[sp - 1]));
        NEXT;
    CASE(OP_NOT)
        st[sp - 1] = mk_bool(!truthy(&st[sp - 1]));
        NEXT;
    CASE(OP_CMP)
        sp--;
        st[sp - 1] = mk_bool(compare(in->u, in->b, &st[sp - 1], &st[sp]));
        NEXT;
    CASE(OP_CMP_CONST)
        st[sp - 1] = mk_bool(compare(in->u, in->b, &st[sp - 1], &rs->consts[in->a]));
        NEXT;
    CASE(OP_ARITH)
        sp--;
        st[sp - 1] = arith(in->u, in->b, &st[sp - 1], &st[sp]);
        NEXT;
    CASE(OP_NEG) {
        cs_vval *v = &st[sp - 1];
        *v = valid_kind(v->kind) && v->i != INT32_MIN ? mk_int(-v->i) : mk_absent();
        NEXT;
    }
    CASE(OP_IN_SET) {
        cs_vval *v = &st[sp - 1];
        *v = mk_bool(in_set(rs, IN_SET, in->a, v->kind, v->i, v->s, in->u));
        NEXT;
    }
    CASE(OP_IN_CODELIST) {
        cs_vval *v = &st[sp - 1];
        *v = mk_bool(in_set(rs, IN_CODELIST, in->a, v->kind, v->i, v->s, in->u));
        NEXT;
    }
    CASE(OP_IN_TABLE) {
        cs_vval *v = &st[sp - 1];
        int r2 = 0;
        if (v->kind == VK_STR) {
            r2 = cs_reftable_find(&rs->tables[in->a], v->s, strlen(v->s)) != UINT32_MAX;
            r2 = in->u ? !r2 : r2;
        }
        *v = mk_bool(r2);
        NEXT;
    }
    CASE(OP_CALL) {
        const cs_builtin *b = &cs_builtins[in->a];
        cs_vval *args = &st[sp - in->b];
        cs_vval out;
        int ok = 1;
        if (b->strict)
            for (int32_t k = 0; k < in->b; k++)
                if (!valid_kind(args[k].kind))
                    ok = 0;
        if (ok)
            b->fn(&m->env, args, &out);
        else
            out = mk_absent();
        sp -= in->b;
        st[sp++] = out;
        NEXT;
    }
    CASE(OP_PRESENT)
        st[sp - 1] = mk_bool(st[sp - 1].kind != VK_ABSENT);
        NEXT;
    CASE(OP_ABSENT)
        st[sp - 1] = mk_bool(st[sp - 1].kind == VK_ABSENT);
        NEXT;
    CASE(OP_VALID)
        st[sp - 1] = mk_bool(valid_kind(st[sp - 1].kind));
        NEXT;
    CASE(OP_INVALID)
        st[sp - 1] = mk_bool(st[sp - 1].kind == VK_INVALID);
        NEXT;
    CASE(OP_COALESCE) {
        cs_vval out = mk_absent();
        for (int32_t k = 0; k < in->b; k++)
            if (valid_kind(st[sp - in->b + k].kind)) {
                out = st[sp - in->b + k];
                break;
            }
        sp -= in->b;
        st[sp++] = out;
        NEXT;
    }
    CASE(OP_INC)
        loc[in->a].i++;
        NEXT;
    CASE(OP_ACC) {
        cs_vval v = st[--sp];
        cs_vval *acc = &loc[in->a];
        if (!valid_kind(v.kind))
            NEXT;
        if (in->u == AGG_SUM) {
            int64_t s = (int64_t)acc->i + v.i;
            if (acc->kind == VK_INT && s >= INT32_MIN && s <= INT32_MAX)
                acc->i = (int32_t)s;
            else
                *acc = mk_absent();   /* overflow: no sum */
        } else if (acc->kind == VK_ABSENT ||
                   (in->u == AGG_MIN ? vless(&v, acc) : vless(acc, &v))) {
            *acc = v;
        }
        NEXT;
    }
    CASE(OP_DSET_CLEAR)
        vtable_clear(&m->dsets[in->a]);
        NEXT;
    CASE(OP_DSET_ADD) {
        cs_vval v = st[--sp];
        if (valid_kind(v.kind))
            vtable_slot(&m->dsets[in->a], &v, 1);
        NEXT;
    }
    CASE(OP_DSET_COUNT)
        st[sp++] = mk_int((int32_t)m->dsets[in->a].n);
        NEXT;
    CASE(OP_COUNT_EQ) {
        cs_vval *v = &st[sp - 1];
        uint32_t c = 0;
        if (valid_kind(v->kind)) {
            const vslot *e = vtable_slot(&m->eq[in->a], v, 0);
            c = e ? e->count : 0;
        }
        *v = mk_int((int32_t)c);
        NEXT;
    }
    CASE(OP_MATCH) {
        cs_vval *v = &st[sp - 1];
        int r2 = v->kind == VK_STR &&
                 cs_pattern_match(&rs->patterns[in->a], v->s, strlen(v->s), m->pscratch);
        *v = mk_bool(r2);
        NEXT;
    }
    CASE(OP_LOOKUP) {
        cs_vval *v = &st[sp - 1];
        const cs_reftable *t = &rs->tables[in->a];
        uint32_t row = v->kind == VK_STR ? cs_reftable_find(t, v->s, strlen(v->s)) : UINT32_MAX;
        const char *c = row == UINT32_MAX ? NULL : t->cells[(size_t)row * t->ncolumns + (size_t)in->b];
        if (c) {
            v->kind = VK_STR;
            v->i = 0;
            v->s = c;
        } else {
            *v = mk_absent();
        }
        NEXT;
    }
    CASE(OP_CACHED)
        if (m->cached[in->a]) {
            st[sp++] = m->cache[in->a];
            pc = (uint32_t)in->b;
        }
        NEXT;
    CASE(OP_CACHE_SET) {
        cs_vval v = st[sp - 1];
        if ((v.kind == VK_STR || v.kind == VK_INVALID) && v.s)
            v.s = cs_arena_strdup(&m->runarena, v.s);   /* outlives the row's scratch */
        m->cache[in->a] = v;
        m->cached[in->a] = 1;
        NEXT;
    }
    CASE(OP_UNSET)
        loc[in->a].kind = VK_UNSET;
        NEXT;
    CASE(OP_LET)
        if (loc[in->a].kind != VK_UNSET) {
            st[sp++] = loc[in->a];
            pc = (uint32_t)in->b;
        }
        NEXT;
    CASE(OP_LET_SET)
        loc[in->a] = st[sp - 1];
        NEXT;
    CASE(OP_MEMO) {
        memo_ent *e = &m->memo[in->a];
        if (in->u == 1 ? same_row_arg(e, &st[sp - 1]) || same_args(e, &st[sp - 1], 1)
                       : same_args(e, &st[sp - in->u], in->u)) {
            sp -= in->u;
            st[sp++] = e->val;
            pc = (uint32_t)in->b;
        } else {
            note_args(&m->memo[in->a], &st[sp - in->u], in->u);
        }
        NEXT;
    }
    CASE(OP_MEMO_SET)
        remember(&m->memo[in->a], &st[sp - 1]);
        NEXT;
    CASE(OP_RET_BOOL)
        return in->a;
    CASE(OP_RULE_END)
        if (in->u && m->sink->finding)
            m->sink->finding(m->sink->user, &m->group_rules[in->b]->pub, m->g, m->row);
        sp = 0;
        pc = (uint32_t)in->a;
        if (m->scratch.bytes_used)
            cs_arena_reset(&m->scratch);
        NEXT;
    CASE(OP_GROUP_END)
        return 0;
#ifndef VM_THREADED
        default:   /* the compiler emits only the opcodes above */
            abort();
        }
    }
#endif
#undef CASE
#undef NEXT
}

#undef VM_RUN_NAME
#undef VM_COUNTING
