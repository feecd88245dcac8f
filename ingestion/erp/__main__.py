from ingestion.erp.extract import main

main()
