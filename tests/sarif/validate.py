#!/usr/bin/env python3
"""Checks SARIF files: against the SARIF 2.1.0 JSON schema shipped here
(sarif-schema-2.1.0.json, draft-04), and field by field against what GitHub
code scanning needs from an upload.

usage: validate.py FILE...   exit 0 when every file is valid, 1 otherwise,
                             with one line per problem on stderr.

jsonschema is not installed on these machines, so the schema keywords the
SARIF schema uses (draft-04: $ref, type, properties, required,
additionalProperties, items, minItems, uniqueItems, minimum, maximum,
pattern, format, enum, anyOf, oneOf, allOf) are checked here. When the
jsonschema module is importable it is run as well.
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = os.path.join(HERE, "sarif-schema-2.1.0.json")

URI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
URI_CHARS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")
DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def type_ok(value, t):
    if isinstance(t, list):
        return any(type_ok(value, x) for x in t)
    if t == "object":
        return isinstance(value, dict)
    if t == "array":
        return isinstance(value, list)
    if t == "string":
        return isinstance(value, str)
    if t == "boolean":
        return isinstance(value, bool)
    if t == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if t == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if t == "null":
        return value is None
    raise ValueError("unknown type " + repr(t))


def format_ok(value, fmt):
    if not isinstance(value, str):
        return True
    if fmt == "uri":
        return bool(URI_SCHEME.match(value)) and bool(URI_CHARS.match(value))
    if fmt == "uri-reference":
        return bool(URI_CHARS.match(value))
    if fmt == "date-time":
        return bool(DATE_TIME.match(value))
    return True


class Validator:
    def __init__(self, schema):
        self.root = schema

    def resolve(self, ref):
        if not ref.startswith("#/"):
            raise ValueError("only local $ref: " + ref)
        node = self.root
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def errors(self, value, schema, path="$"):
        """Yields (path, message) for each problem."""
        if "$ref" in schema:
            yield from self.errors(value, self.resolve(schema["$ref"]), path)
            return
        if "type" in schema and not type_ok(value, schema["type"]):
            yield path, "is not of type %s" % schema["type"]
            return
        if "enum" in schema and value not in schema["enum"]:
            yield path, "%r is not one of %r" % (value, schema["enum"])
        if "format" in schema and not format_ok(value, schema["format"]):
            yield path, "%r is not a valid %s" % (value, schema["format"])
        if isinstance(value, str) and "pattern" in schema:
            if not re.search(schema["pattern"], value):
                yield path, "%r does not match %s" % (value, schema["pattern"])
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                yield path, "%r is less than %r" % (value, schema["minimum"])
            if "maximum" in schema and value > schema["maximum"]:
                yield path, "%r is more than %r" % (value, schema["maximum"])
        if isinstance(value, dict):
            props = schema.get("properties", {})
            for key in schema.get("required", []):
                if key not in value:
                    yield path, "lacks required property %r" % key
            for key, v in value.items():
                if key in props:
                    yield from self.errors(v, props[key], path + "." + key)
                    continue
                extra = schema.get("additionalProperties", True)
                if extra is False:
                    yield path, "has unexpected property %r" % key
                elif isinstance(extra, dict):
                    yield from self.errors(v, extra, path + "." + key)
        if isinstance(value, list):
            if len(value) < schema.get("minItems", 0):
                yield path, "has fewer than %d items" % schema["minItems"]
            if schema.get("uniqueItems"):
                seen = [json.dumps(x, sort_keys=True) for x in value]
                if len(set(seen)) != len(seen):
                    yield path, "has duplicate items"
            if isinstance(schema.get("items"), dict):
                for i, v in enumerate(value):
                    yield from self.errors(v, schema["items"], "%s[%d]" % (path, i))
        for sub in schema.get("allOf", []):
            yield from self.errors(value, sub, path)
        if "anyOf" in schema:
            if not any(not list(self.errors(value, s, path)) for s in schema["anyOf"]):
                yield path, "matches none of anyOf"
        if "oneOf" in schema:
            n = sum(1 for s in schema["oneOf"] if not list(self.errors(value, s, path)))
            if n != 1:
                yield path, "matches %d of oneOf, not exactly one" % n


def github_errors(doc):
    """What GitHub code scanning needs, checked field by field."""
    def need(cond, path, msg):
        if not cond:
            problems.append((path, msg))
        return cond

    problems = []
    need(doc.get("version") == "2.1.0", "$.version", "must be 2.1.0")
    need(isinstance(doc.get("$schema"), str), "$.$schema", "missing")
    runs = doc.get("runs")
    if not need(isinstance(runs, list) and runs, "$.runs", "no run"):
        return problems
    for ri, run in enumerate(runs):
        p = "$.runs[%d]" % ri
        driver = run.get("tool", {}).get("driver", {})
        need(isinstance(driver.get("name"), str) and driver["name"],
             p + ".tool.driver.name", "missing")
        need(isinstance(driver.get("version"), str), p + ".tool.driver.version", "missing")
        need(isinstance(driver.get("informationUri"), str)
             and driver["informationUri"].startswith("https://"),
             p + ".tool.driver.informationUri", "not an https URI")
        rules = driver.get("rules", [])
        ids = [r.get("id") for r in rules]
        need(len(set(ids)) == len(ids), p + ".tool.driver.rules", "duplicate rule ids")
        for i, r in enumerate(rules):
            rp = "%s.tool.driver.rules[%d]" % (p, i)
            need(isinstance(r.get("id"), str) and r["id"], rp + ".id", "missing")
            need(isinstance(r.get("name"), str) and r["name"], rp + ".name", "missing")
            for key in ("shortDescription", "fullDescription", "help"):
                need(isinstance(r.get(key, {}).get("text"), str) and r[key]["text"],
                     rp + "." + key + ".text", "missing")
            need(isinstance(r.get("help", {}).get("markdown"), str),
                 rp + ".help.markdown", "missing")
            need(r.get("defaultConfiguration", {}).get("level")
                 in ("none", "note", "warning", "error"),
                 rp + ".defaultConfiguration.level", "missing or invalid")
        results = run.get("results")
        if not need(isinstance(results, list), p + ".results", "missing"):
            continue
        need(len(results) <= 25000, p + ".results", "more than GitHub's 25,000")
        fps = set()
        for i, res in enumerate(results):
            rp = "%s.results[%d]" % (p, i)
            rid = res.get("ruleId")
            need(rid in ids, rp + ".ruleId", "%r is not a driver rule" % rid)
            if "ruleIndex" in res and rid in ids:
                need(res["ruleIndex"] == ids.index(rid), rp + ".ruleIndex",
                     "does not point at %r" % rid)
            need(res.get("level") in ("note", "warning", "error"), rp + ".level", "invalid")
            need(isinstance(res.get("message", {}).get("text"), str)
                 and res["message"]["text"], rp + ".message.text", "empty")
            locs = res.get("locations")
            if not need(isinstance(locs, list) and len(locs) >= 1, rp + ".locations",
                        "code scanning rejects a result without a location"):
                continue
            phys = locs[0].get("physicalLocation", {})
            uri = phys.get("artifactLocation", {}).get("uri")
            need(isinstance(uri, str) and uri and not uri.startswith("/")
                 and not URI_SCHEME.match(uri),
                 rp + ".locations[0].physicalLocation.artifactLocation.uri",
                 "%r is not a relative path" % (uri,))
            line = phys.get("region", {}).get("startLine")
            need(isinstance(line, int) and line >= 1,
                 rp + ".locations[0].physicalLocation.region.startLine",
                 "%r is not a line number" % (line,))
            fp = res.get("partialFingerprints")
            if need(isinstance(fp, dict) and fp, rp + ".partialFingerprints", "missing"):
                key = json.dumps(fp, sort_keys=True)
                need(key not in fps, rp + ".partialFingerprints", "repeats an earlier one")
                fps.add(key)
    return problems


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[3], file=sys.stderr)
        return 2
    with open(SCHEMA) as f:
        schema = json.load(f)
    v = Validator(schema)
    bad = 0
    for name in argv[1:]:
        try:
            with open(name) as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            print("%s: %s" % (name, e), file=sys.stderr)
            bad += 1
            continue
        problems = list(v.errors(doc, schema)) + github_errors(doc)
        try:
            import jsonschema  # noqa: F401 - only when installed
            for e in jsonschema.Draft4Validator(schema).iter_errors(doc):
                problems.append(("jsonschema", e.message))
        except ImportError:
            pass
        for path, msg in problems:
            print("%s: %s: %s" % (name, path, msg), file=sys.stderr)
        bad += bool(problems)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
