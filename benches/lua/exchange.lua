-- wrk: POST the exchange with a fresh, pre-minted ticket per request. The tickets are
-- read from $TICKETS (one per line) and dealt to the $THREADS threads in turn; a
-- thread that runs out sends "exhausted" (an unknown ticket, counted as non-2xx).
local counter = 0

function setup(thread)
    thread:set("id", counter)
    counter = counter + 1
end

local tickets = {}
local next_ticket = 1
local secret = os.getenv("SECRET") or ""

function init(args)
    local threads = tonumber(os.getenv("THREADS"))
    local i = 0
    for line in io.lines(os.getenv("TICKETS")) do
        if i % threads == id then
            tickets[#tickets + 1] = line
        end
        i = i + 1
    end
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
end

function request()
    local ticket = tickets[next_ticket] or "exhausted"
    next_ticket = next_ticket + 1
    return wrk.format(nil, nil, nil, '{"ticket":"' .. ticket .. '","secret":"' .. secret .. '"}')
end
