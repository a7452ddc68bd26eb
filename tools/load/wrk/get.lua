-- wrk script: GETs the URL with a bearer token (KOMPAS_TOKEN).
--   KOMPAS_TOKEN=… wrk -s tools/load/wrk/get.lua URL
wrk.headers["Authorization"] = "Bearer " .. os.getenv("KOMPAS_TOKEN")
