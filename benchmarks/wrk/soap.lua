-- wrk script for benchmarks/performance.py: POST one SOAP 1.1 request, over and over.
--
--   wrk -t1 -c8 -d8s --latency -s benchmarks/wrk/soap.lua URL -- BODY_FILE OPERATION
--
-- BODY_FILE holds the whole envelope (bytes sent as is); OPERATION names the SOAPAction
-- "http://www.pragmaticsw.com/OPERATION". wrk calls init() before it formats the request.

function init(args)
   if #args < 2 then
      error("usage: wrk ... -s soap.lua URL -- BODY_FILE OPERATION")
   end
   local file = assert(io.open(args[1], "rb"))
   local body = file:read("*a")
   file:close()
   wrk.method = "POST"
   wrk.body = body
   wrk.headers["Content-Type"] = "text/xml; charset=utf-8"
   wrk.headers["SOAPAction"] = '"http://www.pragmaticsw.com/' .. args[2] .. '"'
end
