"""kqlhunt beside Microsoft's own KQL parser and analyzer: how often they agree.

Microsoft publishes its parser as an npm package (`@kusto/language-service-next`). kqlhunt never
needs it to run queries; `kqlhunt parity` and the tests drive it under Node through `oracle.js`
(shipped here), from a folder where the package is installed (the repository's `tests/oracle`
after `npm ci`).
"""

from __future__ import annotations
