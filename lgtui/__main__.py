from lgtui.cli import main

raise SystemExit(main())
