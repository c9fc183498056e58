"""Development tools that are not part of serving a request: the data generator of the statistics tests and
`make bench` (`flask caseflow generate`), and the generated tables of docs/ (`python -m caseflow.devtools.docs`).
No domain imports this package; its command imports it lazily."""
