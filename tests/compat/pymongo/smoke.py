"""pymongo (Debian's python3-pymongo) smoke test against a running Outpost: CRUD, aggregation, GridFS.
Prints one closing line "N passed, M failed, K skipped" as tests/compat/run.sh expects."""
import os
import sys
import traceback

try:
    import pymongo
    import gridfs
except ImportError as e:  # the suite is skipped, with the reason, where pymongo is not installed
    print(f"skip pymongo smoke: {e}")
    print("0 passed, 0 failed, 1 skipped")
    sys.exit(0)

uri = os.environ.get("OUTPOST_URI", "mongodb://127.0.0.1:27017/")
client = pymongo.MongoClient(uri, serverSelectionTimeoutMS=10000)
db = client[f"pymongo_{os.getpid()}"]
results = []


def case(fn):
    try:
        fn()
        results.append(True)
        print(f"pass {fn.__name__}")
    except Exception:  # report and go on, so every case is counted
        results.append(False)
        print(f"FAIL {fn.__name__}\n{traceback.format_exc()}")


def crud():
    c = db.items
    c.insert_many([{"_id": i, "k": i % 3} for i in range(10)])
    assert c.count_documents({"k": 0}) == 4
    c.update_many({"k": 0}, {"$set": {"zero": True}})
    assert c.find_one({"_id": 3})["zero"] is True
    assert c.delete_many({"k": 1}).deleted_count == 3
    assert [d["_id"] for d in c.find({}, sort=[("_id", -1)], batch_size=2)] == [9, 8, 6, 5, 3, 2, 0]


def aggregation():
    out = list(db.items.aggregate([{"$group": {"_id": "$k", "n": {"$sum": 1}}}, {"$sort": {"_id": 1}}]))
    assert out == [{"_id": 0, "n": 4}, {"_id": 2, "n": 3}], out


def grid_fs():
    fs = gridfs.GridFS(db)
    data = os.urandom(3 * 1024 * 1024 + 17)
    file_id = fs.put(data, filename="blob.bin")
    assert fs.get(file_id).read() == data


def compressed(name):
    """A client that negotiates `name` compresses every request after its handshake (pymongo refuses to start one
    whose compressor module is missing, so a missing module is a skip, not a pass)."""
    def run():
        c = pymongo.MongoClient(uri, serverSelectionTimeoutMS=10000, compressors=name, directConnection=True)
        try:
            assert c.admin.command("hello", compression=[name]).get("compression") == [name]
            coll = c[db.name][f"compressed_{name}"]
            text = "paint thickness within tolerance; " * 300
            coll.insert_many([{"_id": i, "text": text, "raw": os.urandom(256)} for i in range(200)])
            docs = list(coll.find({}, sort=[("_id", 1)], batch_size=40))
            assert len(docs) == 200 and all(d["text"] == text and len(d["raw"]) == 256 for d in docs)
        finally:
            c.close()
    run.__name__ = f"compressed_{name}"
    return run


skipped = 0
cases = [crud, aggregation, grid_fs, compressed("zlib")]
try:
    import zstandard  # noqa: F401  (Debian: python3-zstandard)
    cases.append(compressed("zstd"))
except ImportError:
    skipped += 1
    print("skip compressed_zstd (python3-zstandard is not installed)")
for fn in cases:
    case(fn)
client.drop_database(db.name)
passed = sum(results)
print(f"{passed} passed, {len(results) - passed} failed, {skipped} skipped")
sys.exit(0 if passed == len(results) else 1)
