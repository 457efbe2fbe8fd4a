"""placeholder"""
def run_app(db, user):
    print("app")
    return 0
