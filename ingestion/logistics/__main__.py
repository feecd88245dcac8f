from ingestion.logistics.extract import main

main()
