from ingestion.surveys.extract import main

main()
