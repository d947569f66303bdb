import type { CompiledQuery, QueryExecutorProvider } from 'kysely';
import type { Database } from './client.js';

/** What a value's stand-in starts with: no value the app binds ever does. */
const STAND_IN = '\u0000value:';

interface Compiled<Values, Row> {
  query: CompiledQuery<Row>;
  /** For each parameter, the name of the value bound there, or null for a constant. */
  bindings: (keyof Values | null)[];
}

/**
 * A statement whose shape never changes, built and compiled by Kysely once per database handle;
 * each call binds its values into the compiled parameters. Building the operation tree and
 * compiling it was a tenth of a hot read's CPU (docs/performance.md, item 19).
 *
 * `build` is given stand-ins for the values (strings that mark their place) and must only hand
 * them to Kysely as values: a builder that branched on one, or put one into the SQL text,
 * would be wrong for other values, so a stand-in found in the text is refused.
 */
export function prepared<Values extends object, Row>(
  // A query builder (compile()) or a raw `sql` statement (compile(db)).
  build: (
    db: Database,
    values: Values,
  ) => { compile(db: QueryExecutorProvider): CompiledQuery<Row> },
): (db: Database, values: Values) => Promise<Row[]> {
  // Per handle: a transaction or a plugin (the tests' query counter) is a handle of its own.
  const compiledBy = new WeakMap<Database, Compiled<Values, Row>>();

  function compile(db: Database): Compiled<Values, Row> {
    const standIns = new Proxy({} as Values, { get: (_, name) => `${STAND_IN}${String(name)}` });
    const query = build(db, standIns).compile(db);
    if (query.sql.includes(STAND_IN)) {
      throw new Error('A prepared statement put a value into its text, not a parameter.');
    }
    const bindings = query.parameters.map((parameter) =>
      typeof parameter === 'string' && parameter.startsWith(STAND_IN)
        ? (parameter.slice(STAND_IN.length) as keyof Values)
        : null,
    );
    return { query, bindings };
  }

  return async (db, values) => {
    let compiled = compiledBy.get(db);
    if (!compiled) {
      compiled = compile(db);
      compiledBy.set(db, compiled);
    }
    const { query, bindings } = compiled;
    const parameters = bindings.map((name, index) =>
      name === null ? query.parameters[index] : values[name],
    );
    return (await db.executeQuery<Row>({ ...query, parameters })).rows;
  };
}
