from innoref.cli import main

main()
