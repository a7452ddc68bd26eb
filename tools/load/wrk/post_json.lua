-- wrk script: POSTs one JSON body with a bearer token, as a member system's REST client would.
--   KOMPAS_TOKEN=… KOMPAS_BODY_FILE=body.json wrk -s tools/load/wrk/post_json.lua URL
-- Any answer other than 200 counts as an error ("Non-2xx" in wrk's summary).
local f = assert(io.open(os.getenv("KOMPAS_BODY_FILE"), "r"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("KOMPAS_TOKEN")
