; Fan-out site candidates: calls whose callee ends in a fan-out name.
; The host runs these patterns on each call whose callee text (`asyncio.gather`,
; `loop.create_task`) holds one of their #any-of? words, so every word must be
; a name in the callee; and on the call and its callee only (not the nodes of
; its arguments), so a pattern may capture nothing else. It then checks the callee against the `site` facts in rules/api.txt
; (after resolving the file's imports: `aio.gather`, `from asyncio import gather`),
; requires a loop where the fact says loop=yes, and measures the width.

; asyncio.gather(*xs) / gather(a(), b()) / asyncio.wait(xs) / asyncio.as_completed(xs)
((call
   function: (identifier) @fn) @site
 (#any-of? @fn "gather" "wait" "as_completed" "create_task" "ensure_future" "run_jobs"))

((call
   function: (attribute attribute: (identifier) @name) @fn) @site
 (#any-of? @name "gather" "wait" "as_completed" "create_task" "ensure_future" "run_jobs"
                 "run_in_executor" "start_soon" "abatch" "abatch_as_completed"))
